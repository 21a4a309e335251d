"""leadflow.analytics"""

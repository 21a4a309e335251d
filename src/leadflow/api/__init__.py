"""leadflow.api"""

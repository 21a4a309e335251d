"""leadflow.services"""

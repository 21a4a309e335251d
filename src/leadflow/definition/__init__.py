"""leadflow.definition"""

"""leadflow.web"""

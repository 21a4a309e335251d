"""leadflow.engine"""

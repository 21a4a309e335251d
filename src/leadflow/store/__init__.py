"""leadflow.store"""

"""leadflow.batch"""

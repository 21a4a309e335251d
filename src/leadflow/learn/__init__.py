"""leadflow.learn"""

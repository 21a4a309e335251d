"""leadflow.ingest"""

"""The pipeline: the one writer of a candidate's stage, stage history and search document."""

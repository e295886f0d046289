"""The student's own side of Recruit: a private status page, no account needed."""

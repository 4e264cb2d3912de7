"""Exchange with other tools: REFI-QDA codebooks and projects, Taguette, Word comments."""

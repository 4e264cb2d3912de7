"""Exchange with other tools: REFI-QDA codebooks (.qdc) and projects (.qdpx: reading,
writing, position mapping from NVivo's UTF-16 and Taguette's UTF-8 offsets, links, sets,
graphs and the qualcode note for what the schema has no place for), Taguette exports,
codebook files by format (qualcode YAML or REFI-QDA .qdc) and the tool-neutral import bundle
stored in one transaction."""

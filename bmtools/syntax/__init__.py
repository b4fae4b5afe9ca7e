"""Logseq's inline syntax (refs, tags, macros) and outline syntax (blocks, properties)."""

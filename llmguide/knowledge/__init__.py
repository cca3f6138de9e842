"""What llmguide knows beyond the catalog: the glossary of terms and the answers to common questions."""

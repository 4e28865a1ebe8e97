"""Stories: near-duplicate copies, incremental clustering, storyline links."""

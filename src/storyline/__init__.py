"""storyline: news articles in, stories and source-attributed dossiers out."""

from storyline.api import Storyline, open

__version__ = "0.1.0"
__all__ = ["Storyline", "__version__", "open"]

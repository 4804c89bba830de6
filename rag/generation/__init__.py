"""Model loading for the explainer: the text generator and the optional image models."""

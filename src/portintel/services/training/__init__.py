"""Training: the demo workspace built from the synthetic scenario."""

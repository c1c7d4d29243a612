"""govern: policy-as-code for the promises a company makes about cookies and tracking."""

__version__ = "0.1.0"

"""Model adapters: one module per wire format, all behind one streaming interface."""

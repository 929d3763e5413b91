"""Test helpers: loopback stand-ins for servers that cannot run here (each speaking the real
wire format) and small shared utilities."""

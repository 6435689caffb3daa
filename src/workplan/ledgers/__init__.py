"""Ledgers (台账): registers that units keep, and the indicators computed from them."""

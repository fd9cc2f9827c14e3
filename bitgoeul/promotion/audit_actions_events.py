"""(To be written: audit actions events.)"""

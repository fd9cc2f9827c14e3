"""(To be written: audit actions.)"""

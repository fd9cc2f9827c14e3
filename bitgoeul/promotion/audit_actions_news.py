"""(To be written: audit actions news.)"""

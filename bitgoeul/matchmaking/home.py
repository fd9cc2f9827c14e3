"""(To be written: home.)"""

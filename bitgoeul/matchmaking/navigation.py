"""(To be written: navigation.)"""

"""(To be written: demo.)"""

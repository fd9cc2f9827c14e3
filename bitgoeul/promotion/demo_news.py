"""(To be written: demo news.)"""

"""(To be written: home news.)"""

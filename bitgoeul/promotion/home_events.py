"""(To be written: home events.)"""

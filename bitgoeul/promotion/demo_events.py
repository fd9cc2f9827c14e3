"""(To be written: demo events.)"""

import os, subprocess
x = input("cmd? ")  # comment with 'quote
exec(x)
s = f"{x!r:>10} {{literal}}"
t = """triple
'quoted' \""" still"""
def f(a, *, b=lambda y: (y, [1, 2])):
    return eval(a) if b else subprocess.call(a, shell=True)

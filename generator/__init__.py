"""Generate the ketamine therapy comparison site's pages from the data in data/.

Pipeline: load -> validate -> assemble -> render -> write (one module each).
"""

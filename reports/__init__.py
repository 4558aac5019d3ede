"""Reports after a webchat: what happened, in figures and pictures, for the agencies.

`viewers` reads the live viewer counts; `services` stores and purges samples; `selectors`
builds one event's figures and the cross-event table; `charts` lays out the SVG charts;
`export` holds the small-number rule and the CSV; `access` says who may read a report.
"""

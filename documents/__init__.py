"""kiemtra's official documents as Word files laid out per Decree 30/2020/NĐ-CP, and as PDF.

``kinds`` (what documents there are), ``context`` (what one says), ``layout`` (the default
templates), ``render`` (Word from a template, in a sandbox; checking uploaded templates),
``pdf`` (LibreOffice). Import the module you need: ``render`` loads docxtpl and lxml.
"""

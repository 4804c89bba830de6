"""Safeguarding: screening of what students write and what the tutor answers, alerts to the course's
designated safeguarding lead, supportive replies and refusals.

Layer: above privacy (it imports privacy for encryption and the audit trail) and below rag and the
web layer (rag's explainer and the portal/REST views import ``edu.safeguarding.api``). It never
imports rag or the web layer. See README.md in this folder.
"""

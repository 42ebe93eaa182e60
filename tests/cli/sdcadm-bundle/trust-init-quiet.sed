s/[0-9a-f]{64}/<KEYID>/g
s/[0-9a-f]{12}/<KEYID12>/g

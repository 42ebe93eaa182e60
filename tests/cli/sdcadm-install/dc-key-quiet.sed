s/[0-9a-f]{64}/<KEYID>/g
s/^MC[A-Za-z0-9+\/=]+$/<PUBLIC KEY>/

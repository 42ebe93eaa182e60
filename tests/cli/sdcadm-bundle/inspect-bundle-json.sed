s/"keyid": "[0-9a-f]{64}"/"keyid": "<KEYID>"/g

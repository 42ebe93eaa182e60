#pragma once
// IMGAPI error replies, parsed into {status, code, message} (filled in next commit).

#pragma once
// IMGAPI client (filled in next commit).

#include "KernelBuilder.h"

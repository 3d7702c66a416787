// Fixed-width integer names used throughout the kernel, mkfs and user space.
#pragma once
typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned char uchar;
typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;
typedef uint64 pte_t;
typedef uint64 *pagetable_t; // 512 PTEs

// The parts of the ELF64 format exec needs.
#pragma once
#include "types.h"
#define ELF_MAGIC 0x464C457FU // "\x7FELF" little-endian
struct elfhdr {
  uint magic;
  uchar elf[12];
  ushort type, machine;
  uint version;
  uint64 entry, phoff, shoff;
  uint flags;
  ushort ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct proghdr {
  uint32 type, flags;
  uint64 off, vaddr, paddr, filesz, memsz, align;
};
#define ELF_PROG_LOAD 1
#define ELF_PROG_FLAG_EXEC 1
#define ELF_PROG_FLAG_WRITE 2
#define ELF_PROG_FLAG_READ 4

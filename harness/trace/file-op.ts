// The file operations of one SUT start, as a closed union, parsed from an strace trace
// (parse-strace.ts). Paths are relative to a watched root and carry its label ("checkpoint/data/x"),
// so a trace taken in one set of directories can be replayed into another. Every operation knows
// the inode it touched (numbered in the order the trace first met it), so a persistence model can
// tell which fsync made which data durable even after renames.

/** Where the SUT was in its own progress when it made the operation. */
export interface OpOrigin {
  /** 1-based index among the start's file-changing operations (0 for barriers and reads). */
  seq: number;
  /** The system call as strace named it (write, pwrite64, renameat2, ...). */
  syscall: string;
  /** Thread id, and how many calls of `syscall` that thread had made up to this one (1-based):
   *  what strace's fault injection counts. */
  tid: number;
  nth: number;
  /** The batch time of the SUT's last event on stdout before the operation, or null. */
  batchTimeMs: number | null;
}

export type FileOp = OpOrigin &
  (
    /** A name bound to a new empty file (open with O_CREAT of a name that did not exist). */
    | { type: 'create'; path: string; ino: number; dirIno: number | null }
    | { type: 'mkdir'; path: string; ino: number; dirIno: number | null }
    | { type: 'write'; path: string; ino: number; offset: number; data: Buffer }
    | { type: 'truncate'; path: string; ino: number; length: number }
    /** `dirIno`: the directory the new name is in (whose fsync makes it durable); `fromDirIno`: the old one's. */
    | { type: 'rename'; from: string; to: string; ino: number; replaced: number | null; dirIno: number | null; fromDirIno: number | null }
    | { type: 'link'; from: string; to: string; ino: number; dirIno: number | null }
    | { type: 'unlink'; path: string; ino: number; dirIno: number | null }
    | { type: 'rmdir'; path: string; ino: number; dirIno: number | null }
    /** fsync or fdatasync of a file or a directory; `sync` is sync()/syncfs(): everything. */
    | { type: 'fsync'; path: string; ino: number; dataOnly: boolean }
    | { type: 'sync' }
    /** A file opened for reading (recovery reads), for the durability lint. */
    | { type: 'read-open'; path: string; ino: number }
  );

export type FileOpType = FileOp['type'];

/** Operations that change what is on disk (as opposed to barriers and reads). */
export function isChange(op: FileOp): boolean {
  switch (op.type) {
    case 'create':
    case 'mkdir':
    case 'write':
    case 'truncate':
    case 'rename':
    case 'link':
    case 'unlink':
    case 'rmdir':
      return true;
    case 'fsync':
    case 'sync':
    case 'read-open':
      return false;
    default: {
      const never: never = op;
      throw new Error(`unknown file operation ${JSON.stringify(never)}`);
    }
  }
}

/** One line for a report: "rename checkpoint/.x.tmp -> checkpoint/x". */
export function describeOp(op: FileOp): string {
  switch (op.type) {
    case 'create':
    case 'mkdir':
    case 'unlink':
    case 'rmdir':
    case 'read-open':
      return `${op.type} ${op.path}`;
    case 'write':
      return `write ${op.data.length} bytes at ${op.offset} of ${op.path}`;
    case 'truncate':
      return `truncate ${op.path} to ${op.length}`;
    case 'rename':
    case 'link':
      return `${op.type} ${op.from} -> ${op.to}`;
    case 'fsync':
      return `${op.dataOnly ? 'fdatasync' : 'fsync'} ${op.path}`;
    case 'sync':
      return 'sync';
    default: {
      const never: never = op;
      throw new Error(`unknown file operation ${JSON.stringify(never)}`);
    }
  }
}

/** What one start did to its watched directories, and what the trace could not account for. */
export interface FileTrace {
  ops: FileOp[];
  /** Files and directories that existed when the start began, with their content (the durable base). */
  initial: { dirs: { path: string; ino: number }[]; files: { path: string; ino: number; data: Buffer }[] };
  /** Why crash states built from this trace may be wrong (a write longer than the trace keeps,
   *  an operation the model does not know, a bound reached); empty when complete. */
  incomplete: string[];
  /** Set when the SUT was killed by the tracer's fault injection: the call it was killed in. */
  killedIn: { syscall: string; tid: number; nth: number; seq: number } | null;
  /** Set when the tracer's injection failed a call with an errno: the call, its file and batch. */
  errorIn: { syscall: string; tid: number; nth: number; seq: number; errno: string; path: string | null; batchTimeMs: number | null } | null;
  /** Absolute paths of the watched roots found inside written data: such a trace cannot be replayed
   *  into other directories. */
  embedsRoots: boolean;
  /** Calls that changed files outside the watched roots (and outside the program's own files). */
  outside: string[];
}

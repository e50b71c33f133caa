// The exit statuses of PROTOCOL.md §3 that mean something to the harness beyond "not 0".

/** A bad program or input: the SUT cannot read what the harness gave it. */
export const EXIT_BAD_INPUT = 2;
/** The checkpoint directory is unusable, or was written for another program. */
export const EXIT_BAD_CHECKPOINT = 3;
/** The SUT declines the program: it reads it but does not implement it (an operation, a function, a
 *  field, a size). Honoured on the first start of a failure-free run only: the case is then skipped,
 *  never failed. Anywhere else (after the SUT has run the program once) it is a failure. */
export const EXIT_UNSUPPORTED = 4;

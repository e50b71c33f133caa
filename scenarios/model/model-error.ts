// The error the model throws when the program itself fails the way Spark would fail (for example
// ReducedWindowedDStream's "Neither previous window has value for key, nor new values found"), or
// when the input does not fit the program. Errors thrown by user functions pass through unchanged.

export class ModelError extends Error {
  override name = 'ModelError';
}

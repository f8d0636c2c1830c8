"""The clinical exchange: export_cases / import_cases, the whole clinical record as one JSON file."""

# One job per module, each name imported from its own module (docs/exchange.md):
#   schema      case-file.schema.json: the format's version (FORMAT) and the structure of a file
#   layout      which models and fields a file holds, where the findings are nested
#   export      the document, read on one snapshot, written to a file only its owner reads
#   reading     the bytes of a file as strict JSON
#   envelope    the top level of a file, its format first
#   mapping     records to file objects and back: users by username, patients by MRN
#   values      one field's value in the file and back
#   duplicates  records already in the database: identical ones left alone, others a conflict
#   validation  one record by the models' rules; a new case by the engine's checks
#   writing     the new records inserted as in the file, with their history
#   importing   the whole file in one transaction, or nothing
#   errors      Problem, ImportRejected, ExportError, and how values appear in messages

"""leadflow.definition: the versioned YAML contract a team writes, and its compiled form.

The YAML a team writes is kept apart from what the engine applies (as dbt keeps
``unparsed`` apart from ``nodes``): raw pydantic models say what is well-formed, the
compiler says what makes sense and produces ``model.Definition``.

    model          the compiled Definition: the contract with ``leadflow.engine``
    raw            pydantic models of the file (schema version 1), ``extra="forbid"``
    raw_condition  the condition syntax as written: field, event, all, any, not
    document       YAML with the file and line of every key; ``extends`` merging
    validation     raw-model validation with messages for the file's author
    paths          the fact paths a condition may name, and their kinds
    conditions     raw conditions -> FieldTest / EventTest / AllOf / AnyOf / Not
    compiler       a RawDefinition -> Definition (stage references, folded ``requires``)
    loader         load_definition(file or preset), load_definition_text(); DefinitionError
    errors         Problem, LocatedProblem (FILE:LINE: key.path: message), DefinitionError
    builtin        the shipped presets (presets/*.yaml) and free-mail list (data/)
    json_schema    the JSON Schema, generated and checked in (schema/definition-v1...)
    describe       conditions and definitions as short readable text
    diff           the meaning diff between two compiled definitions

Nothing is imported here, so ``leadflow.engine`` can import ``definition.model`` without
pulling in pydantic or YAML. Reference for authors: docs/definition.md.
"""

__all__: list[str] = []

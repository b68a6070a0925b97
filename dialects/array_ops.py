"""Arrays of task ids (PyPTO's `pl.array.create(n, pl.TASK_ID)`), kept by the orchestration at run time.

A task id in ppc is a *label* (an integer on a task scope, `pl.task`, kept on its `pl.dispatch`): at run
time a label names the set of dispatches it currently stands for (a task scope's label: its latest
dispatch).  An array holds one such set per element, so a loop can collect the dispatch of every
iteration and a later scope wait for exactly the ones it indexes:

  pl.task_ids.create {array = 0, size = 4}           all elements invalid (name no task)
  pl.task_ids.set %i {array = 0, from = [3]}         element %i := what label 3 names now
  pl.task_ids.get %j {array = 0, into = 5}           label 5 := element %j (without %j: every element)

`deps = [5]` on a later scope then waits for those dispatches (runtime/dispatch.py).  Arrays are
identified by number, not by an SSA value, so they cross loops and inlined helpers without being
threaded through them; like PyPTO's C-stack arrays they are updated in place.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ArrayAttr, IndexType, IntegerAttr
from xdsl.irdl import IRDLOperation, ParsePropInAttrDict, irdl_op_definition, operand_def, opt_operand_def, prop_def
from xdsl.utils.exceptions import VerifyException


@irdl_op_definition
class TaskIdsCreateOp(IRDLOperation):
    """(Re)start array `array` with `size` invalid elements."""

    name = "pl.task_ids.create"
    array = prop_def(IntegerAttr)
    size = prop_def(IntegerAttr)
    assembly_format = "attr-dict"
    irdl_options = (ParsePropInAttrDict(),)

    def verify_(self) -> None:
        if self.size.value.data < 1:
            raise VerifyException(f"'pl.task_ids.create' needs a positive size, got {self.size.value.data}")


@irdl_op_definition
class TaskIdsSetOp(IRDLOperation):
    """Element `index` of `array` := the dispatches the labels `from` name at this point."""

    name = "pl.task_ids.set"
    index = operand_def(IndexType)
    array = prop_def(IntegerAttr)
    sources = prop_def(ArrayAttr, prop_name="from")
    assembly_format = "$index attr-dict"
    irdl_options = (ParsePropInAttrDict(),)


@irdl_op_definition
class TaskIdsGetOp(IRDLOperation):
    """Label `into` := element `index` of `array` (every element when there is no index)."""

    name = "pl.task_ids.get"
    index = opt_operand_def(IndexType)
    array = prop_def(IntegerAttr)
    into = prop_def(IntegerAttr)
    assembly_format = "($index^)? attr-dict"
    irdl_options = (ParsePropInAttrDict(),)


ARRAY_OPS = [TaskIdsCreateOp, TaskIdsSetOp, TaskIdsGetOp]

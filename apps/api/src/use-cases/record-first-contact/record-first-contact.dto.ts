/** RecordFirstContact takes no body: an empty object (or none) is accepted, any field is refused. */
export class RecordFirstContactDto {}

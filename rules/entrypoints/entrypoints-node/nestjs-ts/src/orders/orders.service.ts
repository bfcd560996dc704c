import { Injectable } from '@nestjs/common';

@Injectable()
export class OrdersService {
  private readonly items = new Map<string, unknown>();

  findAll() {
    return [...this.items.values()];
  }

  findOne(id: string) {
    return this.items.get(id);
  }

  async create(dto: unknown) {
    this.items.set(String(this.items.size + 1), dto);
  }

  remove(id: string) {
    this.items.delete(id);
  }
}

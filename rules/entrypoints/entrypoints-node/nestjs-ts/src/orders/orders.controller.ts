import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import tracer from 'dd-trace';
import { OrdersService } from './orders.service';
import { CreateOrderDto } from './dto/create-order.dto';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get() // expect: entrypoints-node
  findAll() {
    return this.orders.findAll();
  }

  @Get(':id') // expect: entrypoints-node
  findOne(@Param('id') id: string) {
    return this.orders.findOne(id);
  }

  @Post() // expect: entrypoints-node
  @HttpCode(201)
  async create(@Body() dto: CreateOrderDto): Promise<void> {
    await tracer.trace('orders.create', async () => {
      await this.orders.create(dto);
    });
  }

  @Delete(':id') // expect: entrypoints-node
  remove(@Param('id') id: string): void {
    this.orders.remove(id);
  }
}

@Controller({ path: 'admin/orders' })
export class AdminOrdersController {
  @Get('stats') // expect: entrypoints-node
  stats() {
    return { count: 0 };
  }
}
